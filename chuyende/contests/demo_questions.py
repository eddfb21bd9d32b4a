"""The demo contest's question bank, written for the demo on the themes of the 2024 topic.

Each entry: (category, question, options, correct letters). Options "Đúng"/"Sai" make a
true/false question.
"""

HCM = "Tư tưởng Hồ Chí Minh về văn hóa"
IDENTITY = "Bản sắc văn hóa dân tộc"
UNION = "95 năm Công đoàn Việt Nam"
DAKLAK = "120 năm Đắk Lắk"
LAW = "Pháp luật về công đoàn"
TF = ["Đúng", "Sai"]

QUESTIONS = [
    # Tư tưởng Hồ Chí Minh về văn hóa
    (
        HCM,
        "Chủ tịch Hồ Chí Minh nói câu “Văn hóa soi đường cho quốc dân đi” tại sự kiện nào?",
        [
            "Hội nghị Văn hóa toàn quốc lần thứ nhất (24/11/1946)",
            "Lễ Tuyên ngôn độc lập (2/9/1945)",
            "Đại hội Đảng lần thứ II (1951)",
            "Hội nghị Diên Hồng",
        ],
        "A",
    ),
    (
        HCM,
        "Năm 1943, Hồ Chí Minh nêu định nghĩa về văn hóa: “Vì lẽ sinh tồn cũng như mục đích "
        "của cuộc sống, loài người mới sáng tạo và phát minh ra…”. Định nghĩa này được ghi "
        "ở đâu?",
        [
            "Phần ghi chép cuối tập Nhật ký trong tù",
            "Tác phẩm Đường Kách mệnh",
            "Bản án chế độ thực dân Pháp",
            "Di chúc",
        ],
        "A",
    ),
    (
        HCM,
        "Theo Hồ Chí Minh (1943), xây dựng nền văn hóa dân tộc gồm mấy điểm lớn?",
        ["Ba", "Bốn", "Năm", "Sáu"],
        "C",
    ),
    (
        HCM,
        "Năm điểm lớn xây dựng nền văn hóa dân tộc theo Hồ Chí Minh gồm những gì?",
        [
            "Xây dựng tâm lý, luân lý, xã hội, chính trị, kinh tế",
            "Xây dựng gia đình, làng xã, trường học, nhà máy, quân đội",
            "Xây dựng văn học, âm nhạc, hội họa, sân khấu, điện ảnh",
            "Xây dựng đạo đức, lối sống, pháp luật, khoa học, giáo dục",
        ],
        "A",
    ),
    (
        HCM,
        "“Văn hóa nghệ thuật cũng là một mặt trận. Anh chị em là chiến sĩ trên mặt trận ấy” "
        "là lời Bác Hồ gửi những ai?",
        [
            "Các họa sĩ nhân dịp triển lãm hội họa năm 1951",
            "Các nhà giáo năm 1949",
            "Các chiến sĩ Điện Biên Phủ",
            "Các nhà báo năm 1962",
        ],
        "A",
    ),
    (
        HCM,
        "Câu thơ “Dân ta phải biết sử ta / Cho tường gốc tích nước nhà Việt Nam” mở đầu "
        "tác phẩm nào của Hồ Chí Minh?",
        ["Lịch sử nước ta (1942)", "Nhật ký trong tù", "Sửa đổi lối làm việc", "Thư gửi học sinh"],
        "A",
    ),
    (
        HCM,
        "Chủ tịch Hồ Chí Minh sinh ngày, tháng, năm nào?",
        ["19/5/1890", "2/9/1890", "19/5/1895", "3/2/1890"],
        "A",
    ),
    (
        HCM,
        "Năm 1987, UNESCO ra nghị quyết tôn vinh Chủ tịch Hồ Chí Minh là gì?",
        [
            "Anh hùng giải phóng dân tộc, nhà văn hóa kiệt xuất của Việt Nam",
            "Nhà thơ lớn của thế kỷ XX",
            "Nhà giáo dục tiêu biểu của châu Á",
            "Danh nhân khoa học thế giới",
        ],
        "A",
    ),
    (
        HCM,
        "Theo Hồ Chí Minh, “Tiếng nói là thứ của cải vô cùng lâu đời và vô cùng quý báu "
        "của dân tộc”. Vì vậy chúng ta phải làm gì?",
        [
            "Giữ gìn và làm cho tiếng Việt ngày càng trong sáng",
            "Dùng nhiều từ nước ngoài cho hiện đại",
            "Chỉ dùng tiếng Việt trong văn bản hành chính",
            "Hạn chế tiếng nói của các dân tộc thiểu số",
        ],
        "A",
    ),
    (
        HCM,
        "Tác phẩm “Sửa đổi lối làm việc” được Hồ Chí Minh viết năm nào, ký bút danh gì?",
        ["1947, X.Y.Z", "1945, Tân Sinh", "1950, C.B.", "1927, Nguyễn Ái Quốc"],
        "A",
    ),
    (
        HCM,
        "Theo Hồ Chí Minh, văn hóa phải làm thế nào đối với đời sống?",
        [
            "Văn hóa phải gắn liền với đời sống, phục vụ quần chúng",
            "Văn hóa đứng ngoài chính trị và kinh tế",
            "Văn hóa chỉ dành cho trí thức",
            "Văn hóa chỉ phục vụ giải trí",
        ],
        "A",
    ),
    (
        HCM,
        "Hồ Chí Minh chủ trương tiếp thu văn hóa nước ngoài như thế nào?",
        [
            "Chọn lọc tinh hoa, làm giàu văn hóa dân tộc và giữ gìn bản sắc",
            "Tiếp nhận toàn bộ để hội nhập nhanh",
            "Từ chối mọi ảnh hưởng từ bên ngoài",
            "Chỉ tiếp thu văn hóa phương Đông",
        ],
        "A",
    ),
    (
        HCM,
        "Theo Bác Hồ, “Muốn xây dựng chủ nghĩa xã hội, trước hết cần có…” điều gì?",
        [
            "Những con người xã hội chủ nghĩa",
            "Nhiều nhà máy hiện đại",
            "Nguồn vốn lớn từ nước ngoài",
            "Một nền nông nghiệp cơ giới hóa",
        ],
        "A",
    ),
    # Bản sắc văn hóa dân tộc
    (
        IDENTITY,
        "Nghị quyết Hội nghị Trung ương 5 khóa VIII (1998) về văn hóa có tên là gì?",
        [
            "Xây dựng và phát triển nền văn hóa Việt Nam tiên tiến, đậm đà bản sắc dân tộc",
            "Đổi mới căn bản, toàn diện giáo dục và đào tạo",
            "Tiếp tục xây dựng giai cấp công nhân Việt Nam",
            "Phát triển khoa học và công nghệ",
        ],
        "A",
    ),
    (
        IDENTITY,
        "Nghị quyết số 33-NQ/TW ngày 9/6/2014 của Ban Chấp hành Trung ương bàn về nội dung gì?",
        [
            "Xây dựng và phát triển văn hóa, con người Việt Nam đáp ứng yêu cầu phát triển bền "
            "vững đất nước",
            "Phát triển kinh tế tư nhân",
            "Chiến lược bảo vệ Tổ quốc",
            "Công tác dân tộc",
        ],
        "A",
    ),
    (
        IDENTITY,
        "Hội nghị Văn hóa toàn quốc triển khai thực hiện Nghị quyết Đại hội XIII của "
        "Đảng được tổ chức vào ngày nào?",
        ["24/11/2021", "24/11/2016", "19/5/2021", "2/9/2020"],
        "A",
    ),
    (
        IDENTITY,
        "Ngày Văn hóa các dân tộc Việt Nam là ngày nào hằng năm?",
        ["19 tháng 4", "23 tháng 11", "10 tháng 3 âm lịch", "1 tháng 6"],
        "A",
    ),
    (
        IDENTITY,
        "Ngày Di sản văn hóa Việt Nam là ngày nào hằng năm?",
        ["23 tháng 11", "19 tháng 4", "28 tháng 7", "22 tháng 12"],
        "A",
    ),
    (
        IDENTITY,
        "Không gian văn hóa Cồng chiêng Tây Nguyên được UNESCO công nhận là Kiệt tác "
        "di sản truyền khẩu và phi vật thể của nhân loại vào năm nào?",
        ["2005", "2003", "2010", "1999"],
        "A",
    ),
    (IDENTITY, "Sử thi Đam San là sử thi của dân tộc nào?", ["Ê Đê", "Mường", "Tày", "Chăm"], "A"),
    (
        IDENTITY,
        "Nhà dài truyền thống gắn với chế độ mẫu hệ là kiến trúc đặc trưng của dân tộc "
        "nào ở Đắk Lắk?",
        ["Ê Đê", "Kinh", "Hoa", "Nùng"],
        "A",
    ),
    (
        IDENTITY,
        "Trong gia đình truyền thống của người Ê Đê, con cái mang họ của ai?",
        ["Mẹ", "Cha", "Ông nội", "Tùy gia đình tự chọn"],
        "A",
    ),
    (
        IDENTITY,
        "Đâu là những nhạc cụ truyền thống tiêu biểu của các dân tộc Tây Nguyên?",
        [
            "Cồng chiêng, đàn T'rưng, đàn đá",
            "Đàn bầu, đàn tranh, sáo trúc",
            "Trống cơm, đàn nguyệt, đàn nhị",
            "Kèn bầu, đàn tì bà, phách",
        ],
        "A",
    ),
    (
        IDENTITY,
        "Lễ hội nào sau đây là lễ hội truyền thống của đồng bào Tây Nguyên mừng mùa màng bội thu?",
        ["Lễ mừng lúa mới", "Lễ hội Chùa Hương", "Lễ hội Gióng", "Lễ hội Lim"],
        "A",
    ),
    (
        IDENTITY,
        "Giữ gìn, phát huy bản sắc văn hóa dân tộc là trách nhiệm của ai?",
        [
            "Của toàn Đảng, toàn dân, trong đó có mỗi đoàn viên, người lao động",
            "Chỉ của ngành văn hóa",
            "Chỉ của đồng bào dân tộc thiểu số",
            "Chỉ của các nhà nghiên cứu",
        ],
        "A",
    ),
    (
        IDENTITY,
        "Việt Nam có bao nhiêu dân tộc anh em cùng sinh sống?",
        ["54", "50", "56", "64"],
        "A",
    ),
    (
        IDENTITY,
        "Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” trong công nhân, viên "
        "chức, lao động gắn với việc xây dựng những danh hiệu nào sau đây? "
        "(chọn các phương án đúng)",
        [
            "Cơ quan, đơn vị, doanh nghiệp đạt chuẩn văn hóa",
            "Gia đình văn hóa",
            "Doanh nghiệp có doanh thu cao nhất",
            "Cá nhân có thu nhập cao nhất",
        ],
        "AB",
    ),
    # 95 năm Công đoàn Việt Nam
    (
        UNION,
        "Tổ chức Công hội Đỏ Bắc Kỳ, tiền thân của Công đoàn Việt Nam, được thành lập ngày nào?",
        ["28/7/1929", "3/2/1930", "1/5/1929", "19/5/1941"],
        "A",
    ),
    (
        UNION,
        "Ai là người được giao trọng trách đứng đầu Ban Chấp hành lâm thời Tổng Công hội "
        "Đỏ Bắc Kỳ năm 1929?",
        ["Nguyễn Đức Cảnh", "Tôn Đức Thắng", "Hoàng Quốc Việt", "Trần Phú"],
        "A",
    ),
    (
        UNION,
        "Hội nghị thành lập Tổng Công hội Đỏ Bắc Kỳ năm 1929 diễn ra tại đâu?",
        [
            "Số nhà 15 phố Hàng Nón, Hà Nội",
            "Nhà máy Dệt Nam Định",
            "Cảng Hải Phòng",
            "Mỏ than Hòn Gai",
        ],
        "A",
    ),
    (
        UNION,
        "Năm 2024, Công đoàn Việt Nam kỷ niệm bao nhiêu năm Ngày thành lập?",
        ["95 năm", "90 năm", "100 năm", "85 năm"],
        "A",
    ),
    (
        UNION,
        "Đại hội XIII Công đoàn Việt Nam, nhiệm kỳ 2023–2028, diễn ra vào thời gian nào?",
        ["Tháng 12 năm 2023", "Tháng 7 năm 2024", "Tháng 9 năm 2018", "Tháng 5 năm 2023"],
        "A",
    ),
    (
        UNION,
        "Chủ tịch Tổng Liên đoàn Lao động Việt Nam được bầu tại Đại hội XIII Công đoàn "
        "Việt Nam là ai?",
        [
            "Đồng chí Nguyễn Đình Khang",
            "Đồng chí Bùi Văn Cường",
            "Đồng chí Đặng Ngọc Tùng",
            "Đồng chí Cù Thị Hậu",
        ],
        "A",
    ),
    (
        UNION,
        "“Tháng Công nhân” được Tổng Liên đoàn Lao động Việt Nam tổ chức vào tháng nào hằng năm?",
        ["Tháng 5", "Tháng 7", "Tháng 11", "Tháng 1"],
        "A",
    ),
    (
        UNION,
        "Theo Điều lệ Công đoàn Việt Nam, hệ thống tổ chức công đoàn có mấy cấp?",
        ["Bốn cấp", "Ba cấp", "Năm cấp", "Hai cấp"],
        "A",
    ),
    (
        UNION,
        "Tác phẩm nào của Nguyễn Ái Quốc (1927) có phần bàn về tổ chức Công hội?",
        ["Đường Kách mệnh", "Nhật ký trong tù", "Lời kêu gọi toàn quốc kháng chiến", "Di chúc"],
        "A",
    ),
    (
        UNION,
        "Chủ tịch Hồ Chí Minh dạy: “Công nhân là người chủ của nhà máy…”. Công đoàn có "
        "nhiệm vụ gì đối với công nhân?",
        [
            "Chăm lo, đại diện, bảo vệ quyền, lợi ích hợp pháp, chính đáng của người lao động",
            "Quản lý sản xuất thay giám đốc",
            "Trả lương cho công nhân",
            "Tuyển dụng lao động cho doanh nghiệp",
        ],
        "A",
    ),
    (
        UNION,
        "Đâu là các chức năng của Công đoàn Việt Nam? (chọn các phương án đúng)",
        [
            "Đại diện, chăm lo, bảo vệ quyền, lợi ích hợp pháp của người lao động",
            "Tham gia quản lý nhà nước, kinh tế - xã hội",
            "Ban hành văn bản quy phạm pháp luật",
            "Xét xử tranh chấp lao động",
        ],
        "AB",
    ),
    (
        UNION,
        "Chương trình “Mái ấm Công đoàn” của tổ chức Công đoàn nhằm mục đích gì?",
        [
            "Hỗ trợ đoàn viên có hoàn cảnh khó khăn xây mới, sửa chữa nhà ở",
            "Xây nhà văn hóa cho doanh nghiệp",
            "Cho doanh nghiệp vay vốn",
            "Xây trụ sở công đoàn cấp trên",
        ],
        "A",
    ),
    (
        UNION,
        "Công đoàn Việt Nam là thành viên của hệ thống chính trị, chịu sự lãnh đạo của "
        "Đảng Cộng sản Việt Nam.",
        TF,
        "A",
    ),
    # 120 năm Đắk Lắk
    (
        DAKLAK,
        "Tỉnh Đắk Lắk được thành lập ngày nào?",
        ["22/11/1904", "10/3/1975", "1/1/2004", "2/9/1945"],
        "A",
    ),
    (
        DAKLAK,
        "Năm 2024, tỉnh Đắk Lắk kỷ niệm bao nhiêu năm Ngày thành lập tỉnh?",
        ["120 năm", "100 năm", "110 năm", "125 năm"],
        "A",
    ),
    (
        DAKLAK,
        "Ngày 10/3/1975 gắn với sự kiện lịch sử nào ở Đắk Lắk?",
        [
            "Chiến thắng Buôn Ma Thuột, mở màn Chiến dịch Tây Nguyên",
            "Thành lập tỉnh Đắk Nông",
            "Khánh thành nhà máy thủy điện Buôn Kuốp",
            "Lễ hội Cà phê lần thứ nhất",
        ],
        "A",
    ),
    (
        DAKLAK,
        "Trung tâm hành chính – chính trị của tỉnh Đắk Lắk là đâu?",
        ["Thành phố Buôn Ma Thuột", "Thị xã Buôn Hồ", "Huyện Lắk", "Huyện Ea Kar"],
        "A",
    ),
    (
        DAKLAK,
        "Lễ hội nào sau đây được tổ chức định kỳ ở Buôn Ma Thuột, tôn vinh cây cà phê?",
        [
            "Lễ hội Cà phê Buôn Ma Thuột",
            "Lễ hội Hoa Đà Lạt",
            "Festival Huế",
            "Lễ hội Pháo hoa Đà Nẵng",
        ],
        "A",
    ),
    (
        DAKLAK,
        "Hồ nước ngọt tự nhiên lớn nhất tỉnh Đắk Lắk, gắn với buôn Jun của người M'nông, "
        "là hồ nào?",
        ["Hồ Lắk", "Hồ Ea Kao", "Hồ Ea Súp", "Hồ Tây"],
        "A",
    ),
    (
        DAKLAK,
        "Bản Đôn (huyện Buôn Đôn) nổi tiếng với nghề truyền thống nào?",
        ["Săn bắt và thuần dưỡng voi", "Dệt lụa tơ tằm", "Làm gốm men lam", "Đánh bắt hải sản"],
        "A",
    ),
    (
        DAKLAK,
        "Thác nào sau đây nằm trên sông Sêrêpốk, thuộc địa bàn giáp ranh Đắk Lắk và Đắk Nông?",
        ["Thác Dray Nur", "Thác Bản Giốc", "Thác Pongour", "Thác Yang Bay"],
        "A",
    ),
    (
        DAKLAK,
        "Dân tộc nào sau đây là dân tộc tại chỗ của tỉnh Đắk Lắk? (chọn các phương án đúng)",
        ["Ê Đê", "M'nông", "Khmer", "Sán Dìu"],
        "AB",
    ),
    (
        DAKLAK,
        "Đắk Lắk được mệnh danh là “thủ phủ” của loại cây công nghiệp nào?",
        ["Cà phê", "Chè", "Cao su", "Mía"],
        "A",
    ),
    (
        DAKLAK,
        "Năm 2004, tỉnh Đắk Lắk được chia tách để thành lập tỉnh mới nào?",
        ["Đắk Nông", "Gia Lai", "Kon Tum", "Lâm Đồng"],
        "A",
    ),
    (DAKLAK, "Bảo tàng thế giới cà phê được xây dựng tại thành phố Buôn Ma Thuột.", TF, "A"),
    (DAKLAK, "Đắk Lắk có đường biên giới chung với Vương quốc Campuchia.", TF, "A"),
    # Pháp luật về công đoàn
    (
        LAW,
        "Luật Công đoàn hiện hành năm 2024 (Luật số 12/2012/QH13) được Quốc hội thông qua năm nào?",
        ["2012", "1990", "2019", "2015"],
        "A",
    ),
    (
        LAW,
        "Theo Luật Công đoàn năm 2012, kinh phí công đoàn do cơ quan, tổ chức, doanh nghiệp "
        "đóng bằng bao nhiêu phần trăm quỹ tiền lương làm căn cứ đóng bảo hiểm xã hội cho "
        "người lao động?",
        ["2%", "1%", "3%", "0,5%"],
        "A",
    ),
    (
        LAW,
        "Theo Điều lệ Công đoàn Việt Nam, đoàn viên đóng đoàn phí hằng tháng bằng bao "
        "nhiêu phần trăm tiền lương (mức tối đa theo quy định)?",
        ["1%", "2%", "5%", "0,1%"],
        "A",
    ),
    (
        LAW,
        "Người lao động là người Việt Nam làm việc trong cơ quan, tổ chức, doanh nghiệp có "
        "quyền thành lập, gia nhập và hoạt động công đoàn.",
        TF,
        "A",
    ),
    (
        LAW,
        "Bộ luật Lao động năm 2019 có hiệu lực thi hành từ ngày nào?",
        ["1/1/2021", "1/7/2020", "1/1/2020", "1/5/2021"],
        "A",
    ),
    (
        LAW,
        "Người sử dụng lao động có được phân biệt đối xử với người lao động vì lý do thành "
        "lập, gia nhập, hoạt động công đoàn không?",
        [
            "Không, pháp luật nghiêm cấm",
            "Được, nếu có quy chế nội bộ",
            "Được, với người mới vào làm",
            "Được, nếu công đoàn đồng ý",
        ],
        "A",
    ),
    (
        LAW,
        "Công đoàn cơ sở có quyền gì trong việc xây dựng thang lương, bảng lương, quy chế "
        "thưởng tại doanh nghiệp?",
        [
            "Được tham khảo ý kiến (góp ý) trước khi người sử dụng lao động ban hành",
            "Tự ban hành thay người sử dụng lao động",
            "Không có quyền gì",
            "Chỉ được biết sau khi ban hành",
        ],
        "A",
    ),
    (
        LAW,
        "Thương lượng tập thể nhằm đạt được điều gì? (chọn các phương án đúng)",
        [
            "Xây dựng quan hệ lao động hài hòa, ổn định và tiến bộ",
            "Xác lập điều kiện lao động mới làm căn cứ ký thỏa ước lao động tập thể",
            "Thay thế hợp đồng lao động cá nhân",
            "Quyết định việc giải thể doanh nghiệp",
        ],
        "AB",
    ),
    (
        LAW,
        "Cán bộ công đoàn không chuyên trách được sử dụng thời gian làm việc để hoạt động "
        "công đoàn mà vẫn được người sử dụng lao động trả lương.",
        TF,
        "A",
    ),
    (
        LAW,
        "Theo Bộ luật Lao động năm 2019, thời giờ làm việc bình thường không quá bao nhiêu "
        "giờ trong một ngày?",
        ["8 giờ", "10 giờ", "12 giờ", "6 giờ"],
        "A",
    ),
    (
        LAW,
        "Hội nghị người lao động (hội nghị cán bộ, công chức, viên chức) là hình thức thực "
        "hiện quyền gì của người lao động?",
        ["Dân chủ ở cơ sở", "Đình công", "Khiếu nại hành chính", "Khởi kiện"],
        "A",
    ),
    (
        LAW,
        "Đình công hợp pháp phải do ai tổ chức và lãnh đạo?",
        [
            "Tổ chức đại diện người lao động có quyền thương lượng tập thể",
            "Bất kỳ nhóm người lao động nào",
            "Người sử dụng lao động",
            "Ủy ban nhân dân cấp xã",
        ],
        "A",
    ),
]


def as_fields(entry) -> dict:
    category, text, options, letters = entry
    kind = "true_false" if options == TF else ("multiple" if len(letters) > 1 else "single")
    return {
        "kind": kind,
        "text": text,
        "options": list(options),
        "correct": sorted("ABCD".index(letter) for letter in letters),
        "category": category,
        "difficulty": 1 if kind == "true_false" else (3 if kind == "multiple" else 2),
    }
